namespace Daedalus.Sources.Snowflake;

public enum SnowflakeAuthMode
{
    /// <summary>RS256 JWT signed with the user's private key (ALTER USER ... SET RSA_PUBLIC_KEY).</summary>
    KeyPair,

    /// <summary>An OAuth access token from the secret store.</summary>
    OAuth,
}
