/**
 * Replica counts of a worker group: mirrors `GetWorkerGroupDesiredReplicas` (utils/util.go).
 *
 * @module
 */
import { MAX_INT32 } from './constants';
import { asInteger, JsonObject } from '../kubernetes/json';

/**
 * The group's counts with the CRD defaults applied (`replicas` 0, `minReplicas` 0, `maxReplicas`
 * 2147483647, `numOfHosts` 1): desired is `replicas` clamped to [min, max] (a missing or
 * too-small `replicas` gives min). A suspended group (`suspend: true`) has no pods, so all three
 * counts are 0.
 */
export function workerReplicas(groupSpec: JsonObject): { min: number; max: number; desired: number; numOfHosts: number } {
  const hosts = asInteger(groupSpec.numOfHosts, 1);
  const numOfHosts = hosts >= 1 ? hosts : 1;
  if (groupSpec.suspend === true) return { min: 0, max: 0, desired: 0, numOfHosts };
  const min = asInteger(groupSpec.minReplicas, 0);
  const max = asInteger(groupSpec.maxReplicas, MAX_INT32);
  const replicas = asInteger(groupSpec.replicas, 0);
  const desired = replicas < min ? min : replicas > max ? max : replicas;
  return { min, max, desired, numOfHosts };
}
