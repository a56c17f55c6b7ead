// Drives Todo.Aws/Functions/close-default-security-group.js as CloudFormation does (Create, Update, Delete) against
// an in-memory EC2 and a fake of the response URL, and checks that the default group ends with no rule and that
// CloudFormation hears SUCCESS, or FAILED with the reason when EC2 refuses.
// Usage: node close-default-security-group.test.mjs <function.js>. Exits non-zero on the first broken expectation.
import assert from 'node:assert/strict';
import { command, loadFunction } from './load-function.mjs';

const groupId = 'sg-0default';
const openRules = () => ({
  ingress: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId }] }],
  egress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
});
const state = { group: openRules(), refuse: false };
const ec2 = {
  DescribeSecurityGroupsCommand: command('DescribeSecurityGroupsCommand'),
  RevokeSecurityGroupIngressCommand: command('RevokeSecurityGroupIngressCommand'),
  RevokeSecurityGroupEgressCommand: command('RevokeSecurityGroupEgressCommand'),
  EC2Client: class {
    async send({ constructor: { name }, input }) {
      if (state.refuse) throw Object.assign(new Error('UnauthorizedOperation'), { name: 'UnauthorizedOperation' });
      if (name === 'DescribeSecurityGroupsCommand') {
        assert.deepEqual(input.GroupIds, [groupId]);
        return { SecurityGroups: [{ GroupId: groupId, IpPermissions: state.group.ingress, IpPermissionsEgress: state.group.egress }] };
      }
      assert.equal(input.GroupId, groupId);
      const rules = name === 'RevokeSecurityGroupIngressCommand' ? 'ingress' : 'egress';
      assert.deepEqual(input.IpPermissions, state.group[rules]);
      state.group[rules] = [];
      return {};
    }
  },
};
const responses = [];
globalThis.fetch = async (url, { method, body }) => {
  assert.equal(method, 'PUT');
  responses.push({ url, ...JSON.parse(body) });
  return { ok: true };
};
const event = type => ({
  RequestType: type,
  ResponseURL: `https://cloudformation-response.example/${type}`,
  StackId: 'stack',
  RequestId: `request-${type}`,
  LogicalResourceId: 'DefaultSecurityGroupClosed',
  ResourceProperties: { GroupId: groupId },
});

const { handler, dispose } = loadFunction(process.argv[2], { 'client-ec2': ec2 });
try {
  await handler(event('Create'));
  assert.deepEqual(state.group, { ingress: [], egress: [] }, 'the default group still has rules after Create');
  assert.equal(responses.at(-1).Status, 'SUCCESS');
  assert.equal(responses.at(-1).PhysicalResourceId, groupId);

  state.group = openRules();
  await handler(event('Update'));
  assert.deepEqual(state.group, { ingress: [], egress: [] }, 'rules added since Create survive an Update');

  await handler(event('Delete'));
  assert.equal(responses.at(-1).Status, 'SUCCESS');

  state.refuse = true;
  await handler(event('Create'));
  assert.equal(responses.at(-1).Status, 'FAILED');
  assert.match(responses.at(-1).Reason, /UnauthorizedOperation/);
  assert.equal(responses.length, 4, 'CloudFormation must hear back exactly once per request');
  process.stdout.write(JSON.stringify({ requests: responses.length }));
} finally {
  dispose();
}
