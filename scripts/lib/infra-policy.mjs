// Checks the compiled infra/ template against each environment's compiled parameters (run by
// scripts/check-infra.sh on the directory it compiles into: main.json + main.<env>.parameters.json).
// The template is evaluated with scripts/lib/arm-evaluate.mjs, so conditions, loops and module parameters
// are followed the way Azure Resource Manager would, and a value that is only known at deployment time never
// counts as proof. Rules:
//  - privateNetworking on: the Function App is integrated into a subnet delegated to Microsoft.App/environments;
//    Storage, Key Vault and PostgreSQL have publicNetworkAccess Disabled (Storage and Key Vault also deny by
//    default); private endpoints with private DNS zone groups exist for blob, queue, table, vault and
//    postgresqlServer; no PostgreSQL firewall rule is deployed (in particular not 0.0.0.0, "Azure services").
//  - privateNetworking off: public access stays on (the app has no other path), and the only firewall rule is
//    the documented "Azure services" one.
//  - prod: privateNetworking on and Key Vault purge protection on.
// Prints one summary line per environment and one line per violation; exits non-zero on any violation.
import fs from 'node:fs';
import path from 'node:path';
import { deployedResources, isUnknown } from './arm-evaluate.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: infra-policy.mjs <dir with main.json and main.<env>.parameters.json>');
  process.exit(2);
}
const template = JSON.parse(fs.readFileSync(path.join(dir, 'main.json'), 'utf8'));
const parameterFiles = fs.readdirSync(dir).filter((f) => /^main\.[a-z]+\.parameters\.json$/.test(f)).sort();
const violations = [];
if (parameterFiles.length === 0) violations.push(`${dir}: no main.<env>.parameters.json`);

const show = (v) => (isUnknown(v) ? 'unknown before deployment' : JSON.stringify(v));

for (const file of parameterFiles) {
  const env = file.split('.')[1];
  const fail = (message) => violations.push(`${env}: ${message}`);
  const parameters = Object.fromEntries(
    Object.entries(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).parameters).map(([k, v]) => [k, v.value]),
  );
  const declared = (name) => (name in parameters ? parameters[name] : template.parameters?.[name]?.defaultValue);
  const privateNetworking = declared('privateNetworking');
  if (typeof privateNetworking !== 'boolean') fail(`privateNetworking is ${show(privateNetworking)}, expected a literal true or false`);

  let resources;
  try {
    resources = deployedResources(template, parameters);
  } catch (e) {
    fail(`cannot evaluate the template: ${e.message}`);
    continue;
  }
  const ofType = (type) => resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
  const label = (r) => `${r.type} ${r.path.join('/')}`;
  const expect = (r, what, actual, wanted) => {
    if (actual !== wanted) fail(`${label(r)}: ${what} is ${show(actual)}, expected ${JSON.stringify(wanted)}`);
  };
  const mayDeploy = (r) => r.deployed === true || isUnknown(r.deployed);

  const storage = ofType('Microsoft.Storage/storageAccounts');
  const vaults = ofType('Microsoft.KeyVault/vaults');
  const servers = ofType('Microsoft.DBforPostgreSQL/flexibleServers');
  const sites = ofType('Microsoft.Web/sites');
  const firewallRules = ofType('Microsoft.DBforPostgreSQL/flexibleServers/firewallRules').filter(mayDeploy);
  for (const [what, list] of [['storage account', storage], ['key vault', vaults], ['PostgreSQL server', servers], ['function app', sites]]) {
    if (list.length !== 1) fail(`expected one ${what}, found ${list.length}`);
  }

  const endpoints = ofType('Microsoft.Network/privateEndpoints').filter((r) => r.deployed === true);
  const zoneGroups = ofType('Microsoft.Network/privateEndpoints/privateDnsZoneGroups').filter((r) => r.deployed === true);
  const endpointGroups = new Set();
  for (const e of endpoints) {
    const groups = (e.resource.properties?.privateLinkServiceConnections ?? []).flatMap((c) => c.properties?.groupIds ?? []);
    // The zone group is the endpoint's child: same nested deployment, name "<endpoint>/<group>" when known.
    const sameDeployment = (z) => z.path.slice(0, -1).join('/') === e.path.slice(0, -1).join('/');
    const childName = (z) => isUnknown(z.name) || isUnknown(e.name) || z.name.startsWith(`${e.name}/`);
    const hasZone = zoneGroups.some((z) => sameDeployment(z) && childName(z) && (z.resource.properties?.privateDnsZoneConfigs ?? []).length > 0);
    if (!hasZone) fail(`${label(e)}: no private DNS zone group`);
    for (const g of groups) if (!isUnknown(g)) endpointGroups.add(g);
  }

  if (privateNetworking === true) {
    for (const r of storage) {
      expect(r, 'publicNetworkAccess', r.resource.properties?.publicNetworkAccess, 'Disabled');
      expect(r, 'networkAcls.defaultAction', r.resource.properties?.networkAcls?.defaultAction, 'Deny');
    }
    for (const r of vaults) {
      expect(r, 'publicNetworkAccess', r.resource.properties?.publicNetworkAccess, 'Disabled');
      expect(r, 'networkAcls.defaultAction', r.resource.properties?.networkAcls?.defaultAction, 'Deny');
    }
    for (const r of servers) expect(r, 'network.publicNetworkAccess', r.resource.properties?.network?.publicNetworkAccess, 'Disabled');
    for (const r of firewallRules) {
      const p = r.resource.properties ?? {};
      fail(`${label(r)}: firewall rule ${show(p.startIpAddress)}-${show(p.endIpAddress)} deployed${isUnknown(r.deployed) ? ' (maybe)' : ''}; with private networking the server takes no public traffic at all`);
    }
    for (const r of sites) {
      const subnet = r.resource.properties?.virtualNetworkSubnetId;
      if (subnet == null || subnet === '') fail(`${label(r)}: no virtualNetworkSubnetId (not integrated into the virtual network)`);
    }
    const delegated = ofType('Microsoft.Network/virtualNetworks')
      .filter((r) => r.deployed === true)
      .flatMap((r) => r.resource.properties?.subnets ?? [])
      .filter((s) => (s.properties?.delegations ?? []).some((d) => d.properties?.serviceName === 'Microsoft.App/environments'));
    if (delegated.length === 0) fail('no subnet delegated to Microsoft.App/environments for the Flex Consumption app');
    for (const g of ['blob', 'queue', 'table', 'vault', 'postgresqlServer']) {
      if (!endpointGroups.has(g)) fail(`no private endpoint for ${g}`);
    }
  } else if (privateNetworking === false) {
    for (const r of [...storage, ...vaults]) expect(r, 'publicNetworkAccess', r.resource.properties?.publicNetworkAccess, 'Enabled');
    for (const r of servers) expect(r, 'network.publicNetworkAccess', r.resource.properties?.network?.publicNetworkAccess, 'Enabled');
    for (const r of firewallRules) {
      const p = r.resource.properties ?? {};
      if (p.startIpAddress !== '0.0.0.0' || p.endIpAddress !== '0.0.0.0') fail(`${label(r)}: unexpected firewall rule ${show(p.startIpAddress)}-${show(p.endIpAddress)}`);
    }
    if (endpoints.length) fail(`private endpoints deployed although privateNetworking is off`);
  }

  if (declared('environmentName') === 'prod') {
    if (privateNetworking !== true) fail('prod must set privateNetworking = true');
    for (const r of vaults) expect(r, 'enablePurgeProtection', r.resource.properties?.enablePurgeProtection, true);
  }

  const purge = vaults.map((r) => show(r.resource.properties?.enablePurgeProtection ?? null)).join(',');
  const access = (list, get) => list.map((r) => show(get(r.resource.properties ?? {}))).join(',');
  console.log(
    `  ${env}: privateNetworking=${show(privateNetworking)}; public access: storage ${access(storage, (p) => p.publicNetworkAccess)}, ` +
      `key vault ${access(vaults, (p) => p.publicNetworkAccess)}, postgres ${access(servers, (p) => p.network?.publicNetworkAccess)}; ` +
      `firewall rules ${firewallRules.map((r) => `${show(r.resource.properties?.startIpAddress)}`).join(',') || 'none'}; ` +
      `private endpoints ${[...endpointGroups].sort().join(',') || 'none'}; purge protection ${purge}`,
  );
}

if (violations.length) {
  for (const v of violations) console.log(`  policy: ${v}`);
  process.exit(1);
}
