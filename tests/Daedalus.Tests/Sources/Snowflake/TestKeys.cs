using System.Security.Cryptography;

namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>A fresh RSA key pair per test class, as PEM (what users store) and as a verifier.</summary>
public sealed class TestKeys : IDisposable
{
    public TestKeys()
    {
        Key = RSA.Create(2048);
        PrivateKeyPem = Key.ExportPkcs8PrivateKeyPem();
        PublicKey = RSA.Create();
        PublicKey.ImportSubjectPublicKeyInfo(Key.ExportSubjectPublicKeyInfo(), out _);
    }

    public RSA Key { get; }

    public RSA PublicKey { get; }

    public string PrivateKeyPem { get; }

    /// <summary>The base64 body of the private key, which must never show up in logs or errors.</summary>
    public string PrivateKeyBody => string.Concat(PrivateKeyPem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));

    public void Dispose()
    {
        Key.Dispose();
        PublicKey.Dispose();
    }
}
