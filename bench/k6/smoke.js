// A minute of light traffic over every route: BASE_URL=https://… TOKEN=… k6 run bench/k6/smoke.js
import http from 'k6/http';
import { check } from 'k6';
import { baseUrl, setupTodos, mixedRequest } from './todo-mix.js';

export const options = {
  vus: 5,
  duration: __ENV.DURATION || '1m',
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(99)<1000'],
  },
};

export function setup() {
  check(http.get(`${baseUrl}/alive`), { 'alive': (r) => r.status === 200 });
  check(http.get(`${baseUrl}/health`), { 'healthy': (r) => r.status === 200 });
  return { ids: setupTodos(20) };
}

export default function (data) {
  mixedRequest(data.ids);
}
