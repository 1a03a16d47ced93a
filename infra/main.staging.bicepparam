// Staging: production shape (private networking included) at a lower scale, so upgrades, migrations and
// network changes are rehearsed here first.
using './main.bicep'

param environmentName = 'staging'
param postgresSkuName = 'Standard_D2ds_v5'
param postgresSkuTier = 'GeneralPurpose'
param postgresStorageSizeGB = 64
param postgresBackupRetentionDays = 14
param storageSkuName = 'Standard_ZRS'
param maximumInstanceCount = 20
param instanceMemoryMB = 2048
param logRetentionInDays = 30
param privateNetworking = true
param keyVaultPurgeProtection = false
param deployGrafana = true
