// Virtual network for private networking: one subnet the Flex Consumption app is integrated into (its
// outbound traffic enters the network there) and one for the private endpoints of Storage, Key Vault and
// PostgreSQL. Nothing else lives in it and nothing in it has a public IP.
@description('Virtual network name.')
param name string

@description('Azure region.')
param location string

@description('Resource tags.')
param tags { *: string }

@description('Address space of the network, e.g. 10.40.0.0/16.')
param addressPrefix string

@description('Subnet for the app\'s virtual network integration (at least /26 for Flex Consumption scale-out).')
param appSubnetPrefix string

@description('Subnet for the private endpoints.')
param privateEndpointSubnetPrefix string

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: appSubnetPrefix
          // Flex Consumption integrates through a subnet delegated to this service.
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: privateEndpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

output id string = vnet.id
output name string = vnet.name
output appSubnetId string = vnet.properties.subnets[0].id
output privateEndpointSubnetId string = vnet.properties.subnets[1].id
