// Dev: smallest footprint, easy to tear down and recreate.
using './main.bicep'

param environmentName = 'dev'
param postgresSkuName = 'Standard_B1ms'
param postgresSkuTier = 'Burstable'
param maximumInstanceCount = 10
param instanceMemoryMB = 2048
param logRetentionInDays = 30
param privateNetworking = false
param keyVaultPurgeProtection = false
param deployGrafana = false
