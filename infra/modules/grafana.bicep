// Optional Azure Managed Grafana workspace. Its system identity can read Azure Monitor data for the
// resource group; an operator can be made Grafana Admin so someone can sign in on day one.
@description('Workspace name (2-23 characters).')
@minLength(2)
@maxLength(23)
param name string

@description('Azure region.')
param location string

@description('Resource tags.')
param tags { *: string }

@description('Object id of a user or group to make Grafana Admin; empty for none.')
param adminPrincipalId string

@description('Principal type of adminPrincipalId.')
@allowed([
  'User'
  'Group'
])
param adminPrincipalType string

var roles = {
  monitoringReader: '43d0d8ad-25c7-4714-9337-8ba259a9fe05'
  grafanaAdmin: '22926164-76b3-42b3-bc55-97df8dab3e41'
}

resource grafana 'Microsoft.Dashboard/grafana@2024-10-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    apiKey: 'Disabled'
    // Fixed outbound IPs so the PostgreSQL firewall can admit Grafana explicitly.
    deterministicOutboundIP: 'Enabled'
    publicNetworkAccess: 'Enabled'
    zoneRedundancy: 'Disabled'
  }
}

resource monitoringReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, grafana.id, roles.monitoringReader)
  properties: {
    principalId: grafana.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringReader)
  }
}

resource grafanaAdmin 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(adminPrincipalId)) {
  name: guid(grafana.id, adminPrincipalId, roles.grafanaAdmin)
  scope: grafana
  properties: {
    principalId: adminPrincipalId
    principalType: adminPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.grafanaAdmin)
  }
}

output name string = grafana.name
output endpoint string = grafana.properties.endpoint
output outboundIps string[] = grafana.properties.outboundIPs
