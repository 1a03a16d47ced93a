using Azure.Core;
using Azure.Identity;

namespace Daedalus.Hosting;

/// <summary>The credential for every Azure dependency: managed identity in Azure, a developer's sign-in elsewhere.</summary>
public static class AzureCredentials
{
    /// <summary><paramref name="clientId"/> selects a user-assigned identity; without it <c>AZURE_CLIENT_ID</c> is honoured.</summary>
    public static TokenCredential Create(string? clientId) => new DefaultAzureCredential(Options(clientId));

    /// <summary>
    /// The options start with <c>AZURE_CLIENT_ID</c> as the managed identity; overwriting that with null would
    /// select the (absent) system-assigned identity, so only an explicit client id replaces it.
    /// </summary>
    public static DefaultAzureCredentialOptions Options(string? clientId)
    {
        var options = new DefaultAzureCredentialOptions();
        if (!string.IsNullOrWhiteSpace(clientId))
        {
            options.ManagedIdentityClientId = clientId;
        }

        return options;
    }
}
