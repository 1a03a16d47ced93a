using Azure.Storage.Queues.Models;
using Daedalus.Tests.Hosting.Conformance.Rpc;
using Google.Protobuf;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// A queue message as the Storage Queues extension (5.x) hands it to an isolated worker. When the worker's metadata
/// marks the trigger <c>supportsDeferredBinding</c> (a <c>QueueMessage</c> parameter), the input is
/// <c>ModelBindingData</c> version 1.0 from source <c>AzureStorageQueues</c>, <c>application/json</c>, whose content is
/// the SDK's <c>QueueMessage</c> serialized with System.Text.Json (what the extension's <c>new BinaryData(message)</c>
/// writes); otherwise the message text. The trigger metadata is the extension's binding data: <c>QueueTrigger</c>,
/// <c>DequeueCount</c>, <c>ExpirationTime</c>, <c>Id</c>, <c>InsertionTime</c>, <c>NextVisibleTime</c>, <c>PopReceipt</c>.
/// </summary>
public static class QueueTriggerBinding
{
    public const string ExtensionSource = "AzureStorageQueues";

    public static (ParameterBinding Input, Dictionary<string, TypedData> Metadata) Bind(RawBinding trigger, QueueMessage message)
    {
        var deferred = string.Equals(trigger.Property("supportsDeferredBinding"), "true", StringComparison.OrdinalIgnoreCase);
        var data = deferred
            ? new TypedData
            {
                ModelBindingData = new ModelBindingData
                {
                    Version = "1.0",
                    Source = ExtensionSource,
                    ContentType = "application/json",
                    Content = ByteString.CopyFrom(new BinaryData(message).ToArray()),
                },
            }
            : HostTypedData.Of(message.MessageText);
        var metadata = new Dictionary<string, TypedData>
        {
            ["QueueTrigger"] = HostTypedData.Of(message.MessageText),
            ["DequeueCount"] = HostTypedData.Of(message.DequeueCount),
            ["ExpirationTime"] = HostTypedData.Of(message.ExpiresOn ?? DateTimeOffset.MaxValue),
            ["Id"] = HostTypedData.Of(message.MessageId),
            ["InsertionTime"] = HostTypedData.Of(message.InsertedOn ?? DateTimeOffset.UtcNow),
            ["NextVisibleTime"] = HostTypedData.Of(message.NextVisibleOn ?? DateTimeOffset.MaxValue),
            ["PopReceipt"] = HostTypedData.Of(message.PopReceipt),
        };
        return (new ParameterBinding { Name = trigger.Name, Data = data }, metadata);
    }
}
