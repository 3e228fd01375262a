import type { ListenerConfig } from '../config.ts';
import { compileHttpPortState, type CompileEnv, type HttpPortState } from '../proxy/port-state.ts';
import { compileSniTable, type SniTable } from './sni-table.ts';

/** An https port: everything an http port has (requests are routed the same way) plus its certificate choice. */
export type HttpsPortState = HttpPortState & { readonly sni: SniTable };

export function compileHttpsPortState(config: ListenerConfig, env: CompileEnv): HttpsPortState {
  return {
    ...compileHttpPortState(config, env),
    sni: compileSniTable(config.port, config.tls, env.certificates ?? new Map(), env.issues),
  };
}
