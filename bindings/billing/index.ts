// The billing app's binding, as sim.config.ts names it.
import { billingBinding } from './billing-binding.ts';

export default billingBinding;
