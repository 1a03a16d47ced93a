using System.Net;

namespace Daedalus.Client;

/// <summary>The API answered with an error; <see cref="Problem"/> carries its problem+json detail.</summary>
public sealed class DaedalusApiException : Exception
{
    public DaedalusApiException(HttpStatusCode statusCode, ApiProblem problem)
        : base(Describe(statusCode, problem))
    {
        StatusCode = statusCode;
        Problem = problem;
    }

    public DaedalusApiException()
        : this("the API answered with an error")
    {
    }

    public DaedalusApiException(string message)
        : base(message)
    {
        Problem = new ApiProblem { Detail = message };
    }

    public DaedalusApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = new ApiProblem { Detail = message };
    }

    public HttpStatusCode StatusCode { get; }

    public ApiProblem Problem { get; }

    private static string Describe(HttpStatusCode statusCode, ApiProblem problem)
    {
        var text = $"{(int)statusCode} {problem.Title ?? statusCode.ToString()}";
        if (!string.IsNullOrEmpty(problem.Detail))
        {
            text += $": {problem.Detail}";
        }

        foreach (var (field, messages) in problem.Errors ?? [])
        {
            foreach (var message in messages)
            {
                text += $"{Environment.NewLine}  {field}: {message}";
            }
        }

        return text;
    }
}
