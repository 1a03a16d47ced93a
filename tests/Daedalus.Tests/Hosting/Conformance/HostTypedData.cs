using System.Text.Json;
using Daedalus.Tests.Hosting.Conformance.Rpc;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// Values as the host puts them on the wire (its <c>ToRpc</c>): a string stays a string, bytes stay bytes, a double
/// is a double, and anything else (numbers, dates, dictionaries, POCOs) goes as JSON text.
/// </summary>
public static class HostTypedData
{
    public static TypedData Of(object value) => value switch
    {
        string text => new TypedData { String = text },
        byte[] bytes => new TypedData { Bytes = Google.Protobuf.ByteString.CopyFrom(bytes) },
        double number => new TypedData { Double = number },
        _ => new TypedData { Json = JsonSerializer.Serialize(value) },
    };
}
