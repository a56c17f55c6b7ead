// Validates CloudFormation templates against CloudFormation's resource schemas, offline, with the validation engine
// that aws-cdk-lib bundles (@aws/cloudformation-validate): property types, required properties, patterns, enums,
// lengths. Usage: node validate-templates.mjs <jobs.json>, where jobs.json is [{ "region": …, "template": <path> }].
// Prints a JSON array of findings: { template, severity, rule, resource, path, message }, template as given.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const cdkLib = path.dirname(require.resolve('aws-cdk-lib/package.json'));
const validation = require(require.resolve('@aws/cloudformation-validate', { paths: [cdkLib] }));

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const engine = new validation.CompositeEngine();
const findings = [];
try {
  for (const { region, template } of jobs) {
    const result = engine.validateTemplate(new validation.TemplateFile(template), {
      detailLevel: 'STANDARD',
      severityLevel: 'WARN',
      pseudoParameterOverrides: { region },
    });
    for (const diagnostic of result.diagnostics) {
      findings.push({
        template,
        severity: String(diagnostic.severity),
        rule: diagnostic.ruleId,
        resource: diagnostic.entity?.logicalId ?? null,
        path: diagnostic.propertyPath ? String(diagnostic.propertyPath) : null,
        message: diagnostic.message,
      });
    }
  }
} finally {
  engine.free();
}
process.stdout.write(JSON.stringify(findings));
