import type { Config } from '../config.ts';

export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
  maxProcesses: number;
  outputMaxBytes: number;
  fileMaxBytes: number;
  openFiles: number;
}

export function limitsFromConfig(config: Config): SandboxLimits {
  return {
    timeoutMs: config.RUN_TIMEOUT_MS,
    memoryBytes: config.RUN_MEMORY_BYTES,
    maxProcesses: config.RUN_MAX_PROCESSES,
    outputMaxBytes: config.RUN_OUTPUT_MAX_BYTES,
    fileMaxBytes: config.RUN_FILE_MAX_BYTES,
    openFiles: config.RUN_OPEN_FILES,
  };
}
