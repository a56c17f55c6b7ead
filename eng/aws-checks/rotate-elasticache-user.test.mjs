// Drives Todo.Aws/Functions/rotate-elasticache-user.js through two rotations as Secrets Manager does (createSecret,
// setSecret, testSecret, finishSecret, each step once more as a retry would), against in-memory fakes of the two
// AWS SDK clients it uses, and checks what a client of the cache sees: the user keeps the current password beside
// the new one, so a task that started before a rotation connects until the next.
// Usage: node rotate-elasticache-user.test.mjs <function.js>. Exits non-zero on the first broken expectation.
import assert from 'node:assert/strict';
import { command, loadFunction } from './load-function.mjs';

const secretName = 'todo/cache/password';
const userId = 'todo-cache-app';
const state = {
  versions: new Map([['v0', { value: 'password-0', stages: ['AWSCURRENT'] }]]),
  user: { passwords: ['password-0'], status: 'active', pendingPolls: 0 },
  modifications: 0,
  random: 0,
};
const stagesOf = () => Object.fromEntries([...state.versions].map(([id, version]) => [id, [...version.stages]]));

const secretsManager = {
  DescribeSecretCommand: command('DescribeSecretCommand'),
  GetSecretValueCommand: command('GetSecretValueCommand'),
  GetRandomPasswordCommand: command('GetRandomPasswordCommand'),
  PutSecretValueCommand: command('PutSecretValueCommand'),
  UpdateSecretVersionStageCommand: command('UpdateSecretVersionStageCommand'),
  SecretsManagerClient: class {
    async send({ constructor: { name }, input }) {
      switch (name) {
        case 'DescribeSecretCommand':
          return { Name: secretName, VersionIdsToStages: stagesOf() };
        case 'GetSecretValueCommand': {
          const [id, version] = [...state.versions].find(([id, version]) =>
            (!input.VersionId || id === input.VersionId) && version.stages.includes(input.VersionStage) && version.value !== undefined) ?? [];
          if (!version) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
          return { VersionId: id, SecretString: version.value };
        }
        case 'GetRandomPasswordCommand':
          assert.equal(input.ExcludePunctuation, true);
          return { RandomPassword: `password-${++state.random}` };
        case 'PutSecretValueCommand':
          assert.deepEqual(input.VersionStages, ['AWSPENDING']);
          state.versions.set(input.ClientRequestToken, { value: input.SecretString, stages: ['AWSPENDING'] });
          return {};
        case 'UpdateSecretVersionStageCommand': {
          assert.equal(input.VersionStage, 'AWSCURRENT');
          for (const version of state.versions.values()) version.stages = version.stages.filter(stage => stage !== 'AWSPREVIOUS');
          const previous = state.versions.get(input.RemoveFromVersionId);
          previous.stages = [...previous.stages.filter(stage => stage !== 'AWSCURRENT'), 'AWSPREVIOUS'];
          const next = state.versions.get(input.MoveToVersionId);
          next.stages = ['AWSCURRENT'];
          return {};
        }
        default:
          throw new Error(`unexpected Secrets Manager call ${name}`);
      }
    }
  },
};
const elastiCache = {
  DescribeUsersCommand: command('DescribeUsersCommand'),
  ModifyUserCommand: command('ModifyUserCommand'),
  ElastiCacheClient: class {
    async send({ constructor: { name }, input }) {
      assert.equal(input.UserId, userId);
      if (name === 'DescribeUsersCommand') {
        if (state.user.pendingPolls > 0 && --state.user.pendingPolls === 0) state.user.status = 'active';
        return { Users: [{ UserId: userId, Status: state.user.status }] };
      }
      if (name === 'ModifyUserCommand') {
        assert.equal(state.user.status, 'active', 'ModifyUser on a user that is still being modified');
        assert.equal(input.AuthenticationMode.Type, 'password');
        assert.ok(input.AuthenticationMode.Passwords.length <= 2, 'ElastiCache allows at most two passwords');
        state.user = { passwords: [...input.AuthenticationMode.Passwords], status: 'modifying', pendingPolls: 2 };
        state.modifications++;
        return {};
      }
      throw new Error(`unexpected ElastiCache call ${name}`);
    }
  },
};

process.env.USERS = JSON.stringify({ [secretName]: userId });
globalThis.setTimeout = resolve => { resolve(); return 0; };
const { handler, dispose } = loadFunction(process.argv[2], { 'client-secrets-manager': secretsManager, 'client-elasticache': elastiCache });
try {

  // Secrets Manager stages the new token as AWSPENDING, with no value until createSecret puts one, then calls each
  // step; every step here runs twice, as a retry after a timeout would.
  const rotate = async token => {
    state.versions.set(token, { value: undefined, stages: ['AWSPENDING'] });
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      await handler({ SecretId: secretName, ClientRequestToken: token, Step: step });
      await handler({ SecretId: secretName, ClientRequestToken: token, Step: step });
    }
  };

  await rotate('v1');
  assert.equal(state.versions.get('v1').value, 'password-1', 'a retried createSecret made a second password');
  assert.deepEqual(state.user.passwords, ['password-0', 'password-1'], 'after one rotation the user takes the old and the new password');
  assert.deepEqual(state.versions.get('v1').stages, ['AWSCURRENT']);
  assert.deepEqual(state.versions.get('v0').stages, ['AWSPREVIOUS']);

  await rotate('v2');
  assert.deepEqual(state.user.passwords, ['password-1', 'password-2'], 'the second rotation drops only the oldest password');
  assert.deepEqual(state.versions.get('v2').stages, ['AWSCURRENT']);
  assert.deepEqual(state.versions.get('v1').stages, ['AWSPREVIOUS']);

  await assert.rejects(handler({ SecretId: secretName, ClientRequestToken: 'unknown', Step: 'setSecret' }), /no version unknown/);
  process.stdout.write(JSON.stringify({ rotations: 2, modifications: state.modifications }));
} finally {
  dispose();
}
