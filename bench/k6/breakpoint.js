// Ramps the arrival rate up to 10,000 requests/s and stops at the first sign of failure:
//   BASE_URL=https://… TOKEN=… DURATION=20m k6 run bench/k6/breakpoint.js
// Ramp slowly (the workshop's lesson): auto scaling needs minutes to add tasks.
import { setupTodos, mixedRequest } from './todo-mix.js';

export const options = {
  scenarios: {
    breakpoint: {
      executor: 'ramping-arrival-rate',
      startRate: 10,
      timeUnit: '1s',
      preAllocatedVUs: 200,
      maxVUs: Number(__ENV.MAX_VUS || 5000),
      stages: [{ target: Number(__ENV.TARGET || 10000), duration: __ENV.DURATION || '10m' }],
    },
  },
  thresholds: {
    http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: '10s' }],
    http_req_duration: [{ threshold: 'p(99)<1000', abortOnFail: true, delayAbortEval: '10s' }],
  },
};

export function setup() {
  return { ids: setupTodos(100) };
}

export default function (data) {
  mixedRequest(data.ids);
}
