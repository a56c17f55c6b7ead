// A CloudFormation custom resource that removes every rule of a VPC's default security group, which EC2 creates
// open to itself and to everything outward: nothing of this deployment uses it, so nothing may fall into it open.
// Deleting the resource leaves the group closed.
const ec2 = require('@aws-sdk/client-ec2');
const client = new ec2.EC2Client({});

const respond = (event, Status, Reason) => fetch(event.ResponseURL, {
  method: 'PUT',
  headers: { 'content-type': '' },
  body: JSON.stringify({
    Status,
    Reason,
    PhysicalResourceId: event.ResourceProperties.GroupId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  }),
});

exports.handler = async event => {
  try {
    if (event.RequestType !== 'Delete') {
      const GroupId = event.ResourceProperties.GroupId;
      const { SecurityGroups: [group] } = await client.send(new ec2.DescribeSecurityGroupsCommand({ GroupIds: [GroupId] }));
      if (group.IpPermissions.length > 0) {
        await client.send(new ec2.RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: group.IpPermissions }));
      }
      if (group.IpPermissionsEgress.length > 0) {
        await client.send(new ec2.RevokeSecurityGroupEgressCommand({ GroupId, IpPermissions: group.IpPermissionsEgress }));
      }
    }
    await respond(event, 'SUCCESS', 'The default security group has no rules.');
  } catch (error) {
    await respond(event, 'FAILED', String(error).slice(0, 500));
  }
};
