// One private endpoint for one sub-resource of a service (a Storage blob/queue/table endpoint, a Key Vault,
// a PostgreSQL server), with the private DNS zone that makes the service's usual host name resolve to the
// endpoint's private address inside the virtual network. Callers keep using the public host names; only
// the answer to the DNS lookup changes, and only inside the network.
@description('Private endpoint name.')
param name string

@description('Azure region of the endpoint (the virtual network\'s).')
param location string

@description('Resource tags.')
param tags { *: string }

@description('Resource id of the service the endpoint connects to.')
param targetResourceId string

@description('Sub-resource of the service: blob, queue, table, vault or postgresqlServer.')
@allowed([
  'blob'
  'queue'
  'table'
  'vault'
  'postgresqlServer'
])
param groupId string

@description('Private DNS zone of that sub-resource, e.g. privatelink.blob.core.windows.net.')
param privateDnsZoneName string

@description('Resource id of the virtual network the zone is linked to.')
param virtualNetworkId string

@description('Resource id of the subnet the endpoint gets its address from.')
param subnetId string

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: privateDnsZoneName
  location: 'global'
  tags: tags
}

resource zoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: '${name}-link'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: virtualNetworkId
    }
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

// Registers (and keeps current) the endpoint's A record in the zone.
resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: groupId
        properties: {
          privateDnsZoneId: zone.id
        }
      }
    ]
  }
}

output id string = endpoint.id
