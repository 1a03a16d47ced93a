// Prod: zone-redundant database and storage, longer retention, private networking (no public endpoint on
// Storage, Key Vault or PostgreSQL), Key Vault purge protection.
using './main.bicep'

param environmentName = 'prod'
param postgresVersion = '16'
param postgresSkuName = 'Standard_D4ds_v5'
param postgresSkuTier = 'GeneralPurpose'
param postgresStorageSizeGB = 128
param postgresBackupRetentionDays = 35
param postgresHighAvailability = true
param storageSkuName = 'Standard_ZRS'
param maximumInstanceCount = 40
param instanceMemoryMB = 4096
param logRetentionInDays = 90
param privateNetworking = true
param keyVaultPurgeProtection = true
param deployGrafana = true
// Set to the object id of the operators' Entra group to give them Grafana Admin.
param grafanaAdminPrincipalId = ''
param grafanaAdminPrincipalType = 'Group'
