import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

export interface Started {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts a TypeScript entry point the way the package scripts do, with only the given environment. */
export function startScript(args: string[], env: Record<string, string>, timeoutMs = 30_000): Started {
  return spawnNode([join(ROOT, 'node_modules/tsx/dist/cli.mjs'), ...args], env, timeoutMs);
}

/**
 * Starts a TypeScript entry point as one Node process with tsx's loader, with no tsx launcher in
 * between: a SIGKILL sent to `child` kills the bot itself, as `kill -9` would in production.
 */
export function startBotProcess(args: string[], env: Record<string, string>, timeoutMs = 30_000): Started {
  return spawnNode(['--import', 'tsx', ...args], env, timeoutMs);
}

function spawnNode(args: string[], env: Record<string, string>, timeoutMs: number): Started {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // Bounded: a hung process is killed rather than left behind.
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs a script to its end with piped input. */
export async function runScript(
  args: string[],
  stdin: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const started = startScript(args, env);
  started.child.stdin.end(stdin);
  const code = await started.exited;
  return { code, stdout: started.stdout(), stderr: started.stderr() };
}

/** A port nothing listens on right now, for a child process to bind. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
