import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The one start-up message a bad environment gives; fails the test if the environment loads. */
export function configProblems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}
