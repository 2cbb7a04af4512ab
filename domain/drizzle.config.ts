import { defineConfig } from 'drizzle-kit';

export default defineConfig({ dialect: 'postgresql', schema: './domain/schema.ts', out: './domain/migrations' });
