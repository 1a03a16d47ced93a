// Key Vault for source credentials (e.g. the rotating QuickBooks refresh token) and the column
// encryption keys. Access is by Azure RBAC only; no access policies.
@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Resource tags.')
param tags { *: string }

@description('Turn on purge protection. It cannot be turned off again, so only production enables it.')
param enablePurgeProtection bool

@description('Reachable only through a private endpoint (privateNetworking): public network access off, deny by default.')
param privateNetworking bool

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // The API accepts only true or absent here; absent means "off".
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: privateNetworking ? 'None' : 'AzureServices'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
