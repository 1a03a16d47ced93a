using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Daedalus.Hosting;
using Microsoft.Extensions.Configuration;

namespace Daedalus.Queues;

/// <summary>
/// Queue and blob service clients from the same setting the Functions host uses (<c>AzureWebJobsStorage</c>):
/// a connection string (Azurite, <c>UseDevelopmentStorage=true</c>), or identity-based
/// <c>__accountName</c> / <c>__queueServiceUri</c> + <c>__blobServiceUri</c> with <see cref="DefaultAzureCredential"/>
/// (<c>__clientId</c> selects a user-assigned managed identity).
/// </summary>
public sealed class StorageClients
{
    public StorageClients(QueueServiceClient queues, BlobServiceClient blobs)
    {
        Queues = queues;
        Blobs = blobs;
    }

    public QueueServiceClient Queues { get; }

    public BlobServiceClient Blobs { get; }

    /// <summary>Whether the setting names any storage at all (a connection string or an identity-based account).</summary>
    public static bool IsConfigured(IConfiguration configuration, string settingName)
    {
        var section = configuration.GetSection(settingName);
        return !string.IsNullOrWhiteSpace(section.Value) || !string.IsNullOrWhiteSpace(section["accountName"]) || !string.IsNullOrWhiteSpace(section["queueServiceUri"]);
    }

    public static StorageClients FromConfiguration(IConfiguration configuration, string settingName)
    {
        // Messages are base64-encoded by hand (see QueueWireFormat), so the SDK sends text as is.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        var section = configuration.GetSection(settingName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            try
            {
                return new StorageClients(new QueueServiceClient(section.Value, queueOptions), new BlobServiceClient(section.Value));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new StorageConnectionException($"setting {settingName} is not a valid storage connection string: {ex.Message}", ex);
            }
        }

        var account = section["accountName"];
        var queueUri = section["queueServiceUri"] is { Length: > 0 } q ? new Uri(q) : account is { Length: > 0 } ? new Uri($"https://{account}.queue.core.windows.net") : null;
        var blobUri = section["blobServiceUri"] is { Length: > 0 } b ? new Uri(b) : account is { Length: > 0 } ? new Uri($"https://{account}.blob.core.windows.net") : null;
        if (queueUri is null || blobUri is null)
        {
            throw new StorageConnectionException(
                $"no storage connection: set {settingName} to a connection string (UseDevelopmentStorage=true for Azurite), " +
                $"or {settingName}__accountName (or {settingName}__queueServiceUri and {settingName}__blobServiceUri) for managed identity");
        }

        var credential = AzureCredentials.Create(section["clientId"]);
        return new StorageClients(new QueueServiceClient(queueUri, credential, queueOptions), new BlobServiceClient(blobUri, credential));
    }
}
