// The request mix both k6 scripts send: mostly reads of single todos, some lists, some writes.
import http from 'k6/http';
import { check } from 'k6';

export const baseUrl = (__ENV.BASE_URL || 'http://127.0.0.1:5080').replace(/\/$/, '');
// An access token minted for the run (docs/authentication.md, "Tokens on AWS"): every todo route needs one.
if (!__ENV.TOKEN) {
  throw new Error('Set TOKEN to an access token for the API (docs/authentication.md, Tokens on AWS).');
}
const auth = { Authorization: `Bearer ${__ENV.TOKEN}` };
const json = { headers: { ...auth, 'Content-Type': 'application/json' } };
const owner = `k6-${Math.floor(Math.random() * 1e9)}@example.com`;

function createTodo() {
  const response = http.post(`${baseUrl}/todos`, JSON.stringify({
    title: `k6 todo ${__VU}-${__ITER}`,
    description: 'Created by a load test',
    dueDate: '2030-01-01',
    userEmail: owner,
  }), { headers: { ...json.headers, 'Idempotency-Key': `${owner}-${__VU}-${__ITER}` }, tags: { name: 'POST /todos' } });
  check(response, { 'created': (r) => r.status === 201 });
  return response.status === 201 ? response.json('todoId') : null;
}

const known = [];

export function setupTodos(count) {
  const ids = [];
  for (let i = 0; i < count; i++) {
    const id = createTodo();
    if (id) ids.push(id);
  }
  return ids;
}

export function mixedRequest(seeded) {
  const ids = known.length > 0 && Math.random() < 0.5 ? known : seeded;
  const id = ids[Math.floor(Math.random() * ids.length)];
  const roll = Math.random();
  if (roll < 0.60) {
    check(http.get(`${baseUrl}/todos/${id}`, { headers: auth, tags: { name: 'GET /todos/{id}' } }), { 'read': (r) => r.status === 200 || r.status === 404 });
  } else if (roll < 0.75) {
    check(http.get(`${baseUrl}/todos?limit=100`, { headers: auth, tags: { name: 'GET /todos' } }), { 'listed': (r) => r.status === 200 });
  } else if (roll < 0.90) {
    const created = createTodo();
    if (created && known.length < 1000) known.push(created);
  } else if (roll < 0.95) {
    const patch = http.patch(`${baseUrl}/todos/${id}`, JSON.stringify({ status: 'done' }),
      { headers: { ...auth, 'Content-Type': 'application/merge-patch+json' }, tags: { name: 'PATCH /todos/{id}' } });
    check(patch, { 'patched': (r) => r.status === 200 || r.status === 404 });
  } else if (known.length > 0) {
    const doomed = known.pop();
    check(http.del(`${baseUrl}/todos/${doomed}`, null, { headers: auth, tags: { name: 'DELETE /todos/{id}' } }), { 'deleted': (r) => r.status === 204 || r.status === 404 });
  }
}
