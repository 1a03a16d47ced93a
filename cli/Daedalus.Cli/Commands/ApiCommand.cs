using System.CommandLine;
using System.Net;
using System.Text.Json;
using Daedalus.Client;

namespace Daedalus.Cli.Commands;

/// <summary>Runs a command body against the API (remote or in-process) and turns refusals and connection errors into messages and exit codes.</summary>
public static class ApiCommand
{
    public static async Task<int> RunAsync(ParseResult parse, Func<ApiSession, bool, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await ApiSession.OpenAsync(parse, cancellationToken);
            return await body(session, parse.GetValue(CommonOptions.Json));
        }
        catch (DaedalusApiException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            if (ex.StatusCode == HttpStatusCode.Unauthorized && ex.Problem.Detail is null)
            {
                // Daedalus's own 401 always says why; a bare one comes from in front of it, such as the Functions host.
                await Console.Error.WriteLineAsync("The answer has no detail, so it did not come from Daedalus: an Azure Function App answers so when the function key is missing or wrong (--function-key, DAEDALUS_FUNCTION_KEY).");
            }

            return ex.StatusCode switch
            {
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType => ExitCodes.InvalidInput,
                HttpStatusCode.NotFound => ExitCodes.NotFound,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Denied,
                HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed => ExitCodes.Conflict,
                HttpStatusCode.ServiceUnavailable => ExitCodes.Unavailable,
                _ => ExitCodes.Failed,
            };
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"cannot reach the API: {ex.Message}");
            return ExitCodes.Unavailable;
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ExitCodes.InvalidInput;
        }
    }

    public static void WriteJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, DaedalusJson.Options));

    /// <summary>A list as the API answers one: <c>{"items": [...]}</c>.</summary>
    public static void WriteItems<T>(IReadOnlyList<T> items) => WriteJson(new ItemList<T>(items));
}
