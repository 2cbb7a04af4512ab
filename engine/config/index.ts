export { ConfigError, ConfigErrors, formatProblem, MAX_REPORTED, type ConfigProblem } from './config-error.ts';
export {
  loadYaml,
  DEFAULT_LIMITS,
  type LoadedYaml,
  type YamlLimits,
  type YamlPath,
  type Position,
} from './load-yaml.ts';
export {
  t,
  rate,
  distribution,
  weighted,
  validate,
  didYouMean,
  levenshtein,
  formatPath,
  type Validator,
  type OptionalValidator,
  type Infer,
} from './validator.ts';
