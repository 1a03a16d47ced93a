namespace Daedalus.Sources.Snowflake;

/// <summary>The bearer token for each request and what to do when Snowflake rejects it.</summary>
public sealed class SnowflakeAuthenticator
{
    private readonly SnowflakeJwtGenerator? _jwt;
    private readonly string? _oauthToken;
    private readonly TimeProvider _clock;

    private SnowflakeAuthenticator(SnowflakeJwtGenerator? jwt, string? oauthToken, TimeProvider clock)
    {
        _jwt = jwt;
        _oauthToken = oauthToken;
        _clock = clock;
    }

    /// <summary>X-Snowflake-Authorization-Token-Type.</summary>
    public string TokenType => _jwt is null ? "OAUTH" : "KEYPAIR_JWT";

    public static SnowflakeAuthenticator KeyPair(SnowflakeJwtGenerator jwt, TimeProvider clock) => new(jwt, null, clock);

    public static SnowflakeAuthenticator OAuth(string token, TimeProvider clock) => new(null, token, clock);

    public string Token() => _jwt?.GetToken(_clock.GetUtcNow()) ?? _oauthToken!;

    /// <summary>After a 401: a key-pair token is signed afresh (worth one retry); an OAuth token cannot be renewed here.</summary>
    public bool TryRenew()
    {
        if (_jwt is null)
        {
            return false;
        }

        _jwt.Invalidate();
        return true;
    }
}
