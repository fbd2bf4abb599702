/** The full-flow scenarios as Markdown tables: throughput and CPU, then latency per step. */
import { FLOW_STEPS, type FlowResult } from './full-flow.js';

const f = (n: number | undefined, d = 0) => (n !== undefined && Number.isFinite(n) ? n.toFixed(d) : 'n/a');

export function flowTable(results: readonly FlowResult[]): string[] {
  const withDb = results.some((r) => r.databaseCpuMsPerCredential !== undefined);
  return [
    `| full flow | flows/s | credentials/s | server CPU ms / credential |${withDb ? ' PostgreSQL CPU ms / credential |' : ''} generator CPU ms / credential | flow p50 ms | flow p99 ms | flows | errors |`,
    `| --- | ---: | ---: | ---: |${withDb ? ' ---: |' : ''} ---: | ---: | ---: | ---: | ---: |`,
    ...results.map(
      (r) =>
        `| ${r.name} | ${f(r.flowsPerSec, 1)} | ${f(r.credentialsPerSec)} | ${f(r.serverCpuMsPerCredential, 2)} |${withDb ? ` ${f(r.databaseCpuMsPerCredential, 2)} |` : ''} ${f(r.generatorCpuMsPerCredential, 2)} | ${f(r.flowMs.p50, 1)} | ${f(r.flowMs.p99, 1)} | ${r.flows} | ${r.errors} |`,
    ),
    '',
    `| full flow: p50 / p99 ms per step | ${FLOW_STEPS.join(' | ')} |`,
    `| --- |${FLOW_STEPS.map(() => ' ---: |').join('')}`,
    ...results.map((r) => `| ${r.name} | ${FLOW_STEPS.map((s) => `${f(r.stepMs[s].p50, 1)} / ${f(r.stepMs[s].p99, 1)}`).join(' | ')} |`),
    ...(results.some((r) => r.stepCpuMs)
      ? [
          '',
          `| full flow, one at a time: server CPU ms per step | ${FLOW_STEPS.join(' | ')} | sum |`,
          `| --- |${FLOW_STEPS.map(() => ' ---: |').join('')} ---: |`,
          ...results.flatMap((r) => {
            const cpu = r.stepCpuMs;
            return cpu
              ? [
                  `| ${r.name} | ${FLOW_STEPS.map((s) => f(cpu[s], 2)).join(' | ')} | ${f(
                    FLOW_STEPS.reduce((n, s) => n + cpu[s], 0),
                    2,
                  )} |`,
                ]
              : [];
          }),
        ]
      : []),
  ];
}
