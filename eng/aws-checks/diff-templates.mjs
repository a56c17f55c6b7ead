// What deploying one template over another would do to each resource, offline: the diff `cdk diff` shows, with
// CloudFormation's replacement rules from the AWS service specification.
// Usage: node diff-templates.mjs <pairs.json>, where pairs.json is [{ "before": <path>, "after": <path> }].
// Prints, for each pair in order, a JSON array of { resource, type, impact } for every resource that changes
// (impact: WILL_UPDATE, WILL_REPLACE, MAY_REPLACE, WILL_DESTROY, WILL_ORPHAN, WILL_CREATE).
import { readFileSync } from 'node:fs';
import { fullDiff } from '@aws-cdk/cloudformation-diff';

const read = file => JSON.parse(readFileSync(file, 'utf8'));
const pairs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = pairs.map(({ before, after }) => {
  const changes = [];
  fullDiff(read(before), read(after)).resources.forEachDifference((logicalId, change) => {
    changes.push({ resource: logicalId, type: change.newResourceType ?? change.oldResourceType, impact: change.changeImpact });
  });
  return changes;
});
process.stdout.write(JSON.stringify(results));
