// Rotates the password of an ElastiCache user kept in a Secrets Manager secret (a plain string), with the four steps
// Secrets Manager invokes. The user keeps the current password beside the new one (ElastiCache allows two), so a
// client that started before the rotation connects until the next one. USERS maps secret names to user ids.
const sm = require('@aws-sdk/client-secrets-manager');
const ec = require('@aws-sdk/client-elasticache');
const secrets = new sm.SecretsManagerClient({});
const cache = new ec.ElastiCacheClient({});
const users = JSON.parse(process.env.USERS);

const value = (SecretId, VersionStage, VersionId) =>
  secrets.send(new sm.GetSecretValueCommand({ SecretId, VersionStage, VersionId })).then(version => version.SecretString);

// ElastiCache refuses to modify a user that is still being modified.
const settled = async UserId => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { Users } = await cache.send(new ec.DescribeUsersCommand({ UserId }));
    if (Users[0].Status === 'active') return;
    await new Promise(resolve => setTimeout(resolve, 5000));
  }
  throw new Error(`ElastiCache user ${UserId} is still being modified`);
};

exports.handler = async ({ SecretId, ClientRequestToken: token, Step }) => {
  const secret = await secrets.send(new sm.DescribeSecretCommand({ SecretId }));
  const user = users[secret.Name];
  const stages = secret.VersionIdsToStages?.[token];
  if (!user || !stages) throw new Error(`Secret ${secret.Name} has no ElastiCache user here, or no version ${token}`);
  if (stages.includes('AWSCURRENT')) return;
  if (!stages.includes('AWSPENDING')) throw new Error(`Version ${token} of ${secret.Name} is not pending`);
  switch (Step) {
    case 'createSecret':
      try {
        await value(SecretId, 'AWSPENDING', token);
      } catch (error) {
        if (error.name !== 'ResourceNotFoundException') throw error;
        const { RandomPassword } = await secrets.send(new sm.GetRandomPasswordCommand({ PasswordLength: 40, ExcludePunctuation: true }));
        await secrets.send(new sm.PutSecretValueCommand({ SecretId, ClientRequestToken: token, SecretString: RandomPassword, VersionStages: ['AWSPENDING'] }));
      }
      return;
    case 'setSecret': {
      await settled(user);
      const passwords = [await value(SecretId, 'AWSCURRENT'), await value(SecretId, 'AWSPENDING', token)];
      await cache.send(new ec.ModifyUserCommand({ UserId: user, AuthenticationMode: { Type: 'password', Passwords: passwords } }));
      return;
    }
    case 'testSecret':
      await settled(user);
      return;
    case 'finishSecret': {
      const current = Object.keys(secret.VersionIdsToStages).find(version => secret.VersionIdsToStages[version].includes('AWSCURRENT'));
      await secrets.send(new sm.UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
      return;
    }
    default:
      throw new Error(`Unknown rotation step ${Step}`);
  }
};
