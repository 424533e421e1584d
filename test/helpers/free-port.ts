// Tests that must restart a server on the same port pick it up front.
export { freePort } from '../../server/cluster/free-port.ts';
