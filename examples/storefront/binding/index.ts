// The storefront's binding, as sim.config.ts names it.
import { storefrontBinding } from './storefront-binding.ts';

export default storefrontBinding;
