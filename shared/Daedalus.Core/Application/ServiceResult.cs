using System.Diagnostics.CodeAnalysis;

namespace Daedalus.Application;

/// <summary>
/// What an application service answers: a value, or a <see cref="ServiceError"/>. Endpoints turn it into a typed
/// HTTP result, the CLI's local mode into output and an exit code.
/// </summary>
public readonly struct ServiceResult<T>
{
    private ServiceResult(T? value, ServiceError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public ServiceError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsOk => Error is null;

    public static implicit operator ServiceResult<T>(T value) => new(value, null);

    public static implicit operator ServiceResult<T>(ServiceError error) => new(default, error);
}
