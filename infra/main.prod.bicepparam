// Prod: zone-redundant database and storage, longer retention, Key Vault purge protection.
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
param keyVaultPurgeProtection = true
param deployGrafana = true
// Set to the object id of the operators' Entra group to give them Grafana Admin.
param grafanaAdminPrincipalId = ''
param grafanaAdminPrincipalType = 'Group'
