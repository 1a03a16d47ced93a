// The one user-assigned identity the function app runs as. It is also the PostgreSQL Entra admin, so
// its name is the database user name in the connection string.
@description('Identity name.')
param name string

@description('Azure region.')
param location string

@description('Resource tags.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
