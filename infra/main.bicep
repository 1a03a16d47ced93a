// Daedalus in Azure: one resource group per environment, deployed with
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/main.<env>.bicepparam
// Everything authenticates with one user-assigned managed identity; no keys or passwords are created.
targetScope = 'resourceGroup'

@description('Deployment environment; also picks config/environments/<env>.yaml in the app.')
@allowed([
  'dev'
  'staging'
  'prod'
])
param environmentName string

@description('Azure region for every resource (must offer Flex Consumption).')
param location string = resourceGroup().location

@description('Short prefix for resource names.')
@minLength(2)
@maxLength(10)
param namePrefix string = 'daedalus'

@description('PostgreSQL major version.')
@allowed([
  '15'
  '16'
])
param postgresVersion string = '16'

@description('PostgreSQL compute SKU.')
param postgresSkuName string = 'Standard_B1ms'

@description('PostgreSQL compute tier matching postgresSkuName.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

@description('PostgreSQL storage in GiB.')
param postgresStorageSizeGB int = 32

@description('PostgreSQL backup retention in days.')
param postgresBackupRetentionDays int = 7

@description('Zone-redundant HA for PostgreSQL (GeneralPurpose or MemoryOptimized only).')
param postgresHighAvailability bool = false

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Flex Consumption instance memory in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Flex Consumption scale-out limit; each instance holds its own PostgreSQL connection pool.')
param maximumInstanceCount int = 40

@description('Log Analytics retention in days.')
param logRetentionInDays int = 30

@description('Private networking: the Function App joins a virtual network; Storage, Key Vault and PostgreSQL are reachable only through private endpoints in it (public network access off, no firewall rules).')
param privateNetworking bool = false

@description('Address space of the virtual network (privateNetworking); its first two /24 blocks become the app and private-endpoint subnets.')
param virtualNetworkAddressPrefix string = '10.40.0.0/16'

@description('Key Vault purge protection (irreversible once on).')
param keyVaultPurgeProtection bool = false

@description('Deploy an Azure Managed Grafana workspace.')
param deployGrafana bool = false

@description('Object id of a user or group to make Grafana Admin (when deployGrafana); empty for none.')
param grafanaAdminPrincipalId string = ''

@description('Principal type of grafanaAdminPrincipalId.')
@allowed([
  'User'
  'Group'
])
param grafanaAdminPrincipalType string = 'User'

var tags = {
  application: 'daedalus'
  environment: environmentName
}
// Stable per resource group + environment, so redeploys update in place and names stay globally unique.
var token = toLower(uniqueString(resourceGroup().id, environmentName))
var baseName = '${namePrefix}-${environmentName}'
var databaseName = 'daedalus'
var batchQueueName = 'daedalus-batches'
// Names are computed here, not read from module outputs, so What-If can predict every resource id.
var names = {
  identity: 'id-${baseName}'
  logAnalytics: 'log-${baseName}-${token}'
  applicationInsights: 'appi-${baseName}-${token}'
  storage: take(toLower('st${replace(namePrefix, '-', '')}${token}'), 24)
  keyVault: take('kv-${namePrefix}-${token}', 24)
  postgres: 'psql-${baseName}-${token}'
  functionApp: 'func-${baseName}-${token}'
  plan: 'plan-${baseName}-${token}'
  grafana: take('amg-${namePrefix}-${token}', 23)
  virtualNetwork: 'vnet-${baseName}-${token}'
}
// One private endpoint (and private DNS zone) per service endpoint the app calls.
var privateEndpoints = [
  {
    groupId: 'blob'
    target: resourceId('Microsoft.Storage/storageAccounts', names.storage)
    zone: 'privatelink.blob.${environment().suffixes.storage}'
    name: 'pe-${names.storage}-blob'
  }
  {
    groupId: 'queue'
    target: resourceId('Microsoft.Storage/storageAccounts', names.storage)
    zone: 'privatelink.queue.${environment().suffixes.storage}'
    name: 'pe-${names.storage}-queue'
  }
  {
    groupId: 'table'
    target: resourceId('Microsoft.Storage/storageAccounts', names.storage)
    zone: 'privatelink.table.${environment().suffixes.storage}'
    name: 'pe-${names.storage}-table'
  }
  {
    groupId: 'vault'
    target: resourceId('Microsoft.KeyVault/vaults', names.keyVault)
    zone: 'privatelink.vaultcore.azure.net'
    name: 'pe-${names.keyVault}'
  }
  {
    groupId: 'postgresqlServer'
    target: resourceId('Microsoft.DBforPostgreSQL/flexibleServers', names.postgres)
    zone: 'privatelink.postgres.database.azure.com'
    name: 'pe-${names.postgres}'
  }
]

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: 'app-package'
    batchQueueName: batchQueueName
    privateNetworking: privateNetworking
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    privateNetworking: privateNetworking
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: names.postgres
    location: location
    tags: tags
    version: postgresVersion
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageSizeGB
    backupRetentionDays: postgresBackupRetentionDays
    highAvailability: postgresHighAvailability
    databaseName: databaseName
    privateNetworking: privateNetworking
    // The Entra admin resource is named by the identity's object id, which exists only once the
    // identity does; What-If cannot know it in advance, and no other shape avoids that.
    #disable-next-line what-if-short-circuiting
    adminPrincipalId: identity.outputs.principalId
    adminPrincipalName: identity.outputs.name
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  params: {
    name: names.virtualNetwork
    location: location
    tags: tags
    addressPrefix: virtualNetworkAddressPrefix
    appSubnetPrefix: cidrSubnet(virtualNetworkAddressPrefix, 24, 0)
    privateEndpointSubnetPrefix: cidrSubnet(virtualNetworkAddressPrefix, 24, 1)
  }
}

module privateEndpoint 'modules/private-endpoint.bicep' = [
  for endpoint in privateEndpoints: if (privateNetworking) {
    name: 'pe-${endpoint.groupId}'
    params: {
      name: endpoint.name
      location: location
      tags: tags
      targetResourceId: endpoint.target
      groupId: endpoint.groupId
      privateDnsZoneName: endpoint.zone
      virtualNetworkId: resourceId('Microsoft.Network/virtualNetworks', names.virtualNetwork)
      subnetId: resourceId('Microsoft.Network/virtualNetworks/subnets', names.virtualNetwork, 'private-endpoints')
    }
    dependsOn: [
      network
      storage
      keyVault
      postgres
    ]
  }
]

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    identityName: names.identity
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
  }
  dependsOn: [
    identity
    storage
    keyVault
    monitoring
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    virtualNetworkSubnetId: privateNetworking
      ? resourceId('Microsoft.Network/virtualNetworks/subnets', names.virtualNetwork, 'app')
      : ''
    appSettings: {
      DOTNET_ENVIRONMENT: environmentName
      // No password: the app gets an Entra token for this user (the identity) and passes it as the password.
      Daedalus__Database__ConnectionString: 'Host=${postgres.outputs.fqdn};Database=${postgres.outputs.databaseName};Username=${identity.outputs.name};Ssl Mode=Require'
      Daedalus__Database__EntraAuthentication: 'true'
      Daedalus__Security__SecretProvider: 'keyvault'
      Daedalus__Security__KeyProvider: 'keyvault'
      Daedalus__Security__KeyVaultUri: keyVault.outputs.uri
    }
  }
  // The host needs its storage and telemetry roles, and with private networking its subnet and the private
  // endpoints of its storage, before its first start.
  dependsOn: [
    roles
    network
    privateEndpoint
  ]
}

module grafana 'modules/grafana.bicep' = if (deployGrafana) {
  name: 'grafana'
  params: {
    name: names.grafana
    location: location
    tags: tags
    adminPrincipalId: grafanaAdminPrincipalId
    adminPrincipalType: grafanaAdminPrincipalType
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'
output identityName string = identity.outputs.name
output identityClientId string = identity.outputs.clientId
output storageAccountName string = storage.outputs.name
output keyVaultUri string = keyVault.outputs.uri
output postgresFqdn string = postgres.outputs.fqdn
output postgresDatabase string = postgres.outputs.databaseName
output privateNetworking bool = privateNetworking
output grafanaEndpoint string = deployGrafana ? grafana!.outputs.endpoint : ''
