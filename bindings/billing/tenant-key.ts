import type { TenantKey } from '../../engine/index.ts';

/** How `sim diff` attributes rows to tenants in the billing app. */
export const tenantKey: TenantKey = { table: 'organizations', keyColumn: 'tenant_slug', fkColumn: 'organization_id' };
