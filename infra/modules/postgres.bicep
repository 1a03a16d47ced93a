// Azure Database for PostgreSQL Flexible Server with Microsoft Entra authentication only: no password
// exists anywhere. The app's identity is the Entra admin and signs in with a token it obtains itself.
@description('Server name.')
param name string

@description('Azure region.')
param location string

@description('Resource tags.')
param tags { *: string }

@description('PostgreSQL major version.')
@allowed([
  '15'
  '16'
])
param version string

@description('Compute SKU, e.g. Standard_B1ms (Burstable) or Standard_D2ds_v5 (GeneralPurpose).')
param skuName string

@description('Compute tier matching skuName.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string

@description('Storage size in GiB.')
@minValue(32)
param storageSizeGB int

@description('Backup retention in days.')
@minValue(7)
@maxValue(35)
param backupRetentionDays int

@description('Zone-redundant high availability (not available on Burstable).')
param highAvailability bool

@description('Reachable only through a private endpoint (privateNetworking): public network access off, no firewall rule.')
param privateNetworking bool

@description('Database the app owns and migrates.')
param databaseName string

@description('Entra admin: the app identity.')
param adminPrincipalId string

@description('Display name of the Entra admin; becomes the PostgreSQL role name.')
param adminPrincipalName string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: highAvailability ? 'ZoneRedundant' : 'Disabled'
    }
    network: {
      publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    }
  }
}

// Flex Consumption apps without VNet integration have no fixed outbound IPs, so without private networking
// the server admits Azure-internal traffic (0.0.0.0 is the special "Azure services" rule: any Azure tenant's
// resources, still needing an Entra token of this tenant). With private networking the app arrives through
// the private endpoint and the public endpoint is off, so no rule is created.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2025-08-01' = if (!privateNetworking) {
  parent: server
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource entraAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = {
  parent: server
  name: adminPrincipalId
  properties: {
    principalType: 'ServicePrincipal'
    principalName: adminPrincipalName
    tenantId: tenant().tenantId
  }
  dependsOn: [
    allowAzureServices
  ]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  // The server accepts one change at a time; serialising child resources avoids "ServerIsBusy".
  dependsOn: [
    entraAdmin
  ]
}

output name string = server.name
output fqdn string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
