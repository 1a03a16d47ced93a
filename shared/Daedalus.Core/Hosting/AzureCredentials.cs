using Azure.Core;
using Azure.Identity;

namespace Daedalus.Hosting;

/// <summary>The credential for every Azure dependency: managed identity in Azure, a developer's sign-in elsewhere.</summary>
public static class AzureCredentials
{
    /// <summary><paramref name="clientId"/> selects a user-assigned identity; without it <c>AZURE_CLIENT_ID</c> is honoured.</summary>
    public static TokenCredential Create(string? clientId) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId });
}
