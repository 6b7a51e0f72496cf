/**
 * The ports Ray uses between its pods, as probes for {@link reachabilityMatrix}. Random ports are
 * represented by a sample from Ray's default range (they are random unless pinned in
 * `rayStartParams`).
 *
 * @module
 */
import { Probe } from './types';

/**
 * Default probes of `secure-ray reach`: the ports clients use (GCS, dashboard and Jobs API, Ray
 * Client, Serve), then Ray's other fixed ports and samples of its random ones, then DNS.
 */
export const RAY_PROBES: readonly Required<Probe>[] = [
  { label: 'gcs', port: 6379, protocol: 'TCP' },
  { label: 'dashboard', port: 8265, protocol: 'TCP' },
  { label: 'client', port: 10001, protocol: 'TCP' },
  { label: 'serve', port: 8000, protocol: 'TCP' },
  { label: 'worker', port: 10002, protocol: 'TCP' },
  { label: 'raylet', port: 40000, protocol: 'TCP' },
  { label: 'object-manager', port: 40001, protocol: 'TCP' },
  { label: 'metrics', port: 8080, protocol: 'TCP' },
  { label: 'agent', port: 52365, protocol: 'TCP' },
  { label: 'dns', port: 53, protocol: 'UDP' },
  { label: 'dns-tcp', port: 53, protocol: 'TCP' },
];
