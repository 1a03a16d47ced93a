using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Daedalus.Tests.Hosting.Conformance.Rpc;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// The Storage Queues extension's listener for one queue-triggered function, one poll at a time (the test drives
/// it, so nothing runs in the background): get up to <c>batchSize</c> messages (invisible for 10 minutes while they
/// run), invoke the function for each, then delete the message when the invocation succeeded; when it failed, make
/// it visible again after host.json's <c>visibilityTimeout</c>, or, on delivery <c>maxDequeueCount</c>, copy it to
/// <c>&lt;queue&gt;-poison</c> and delete it.
/// </summary>
public sealed class QueueTriggerListener
{
    private static readonly TimeSpan InvisibleWhileRunning = TimeSpan.FromMinutes(10);

    private readonly LoadedFunction _function;
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly HostJsonSettings _settings;
    private readonly TimeSpan _retryDelay;
    private readonly Func<ParameterBinding, IReadOnlyDictionary<string, TypedData>, CancellationToken, Task<InvocationResponse>> _invoke;

    public QueueTriggerListener(
        LoadedFunction function,
        string connectionString,
        HostJsonSettings settings,
        TimeSpan retryDelay,
        Func<ParameterBinding, IReadOnlyDictionary<string, TypedData>, CancellationToken, Task<InvocationResponse>> invoke)
    {
        _function = function;
        _settings = settings;
        _retryDelay = retryDelay;
        _invoke = invoke;
        // messageEncoding "none" hands the raw text to the function; "base64" (the extension's default) decodes it.
        var options = new QueueClientOptions
        {
            MessageEncoding = string.Equals(settings.MessageEncoding, "none", StringComparison.OrdinalIgnoreCase) ? QueueMessageEncoding.None : QueueMessageEncoding.Base64,
        };
        var queueName = function.Trigger.Setting("queueName") ?? throw new InvalidOperationException($"{function.Name}: queueTrigger without queueName");
        QueueName = queueName;
        _queue = new QueueClient(connectionString, queueName, options);
        _poison = new QueueClient(connectionString, queueName + "-poison", options);
    }

    public string QueueName { get; }

    /// <summary>One poll: the deliveries it settled (none when the queue had no visible message).</summary>
    public async Task<IReadOnlyList<QueueDelivery>> PollAsync(CancellationToken cancellationToken)
    {
        await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var messages = (await _queue.ReceiveMessagesAsync(_settings.QueueBatchSize, InvisibleWhileRunning, cancellationToken)).Value;
        var settled = await Task.WhenAll(messages.Select(m => RunAsync(m, cancellationToken)));
        return settled;
    }

    private async Task<QueueDelivery> RunAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var (input, metadata) = QueueTriggerBinding.Bind(_function.Trigger, message);
        var response = await _invoke(input, metadata, cancellationToken);
        if (response.Result.Status == StatusResult.Types.Status.Success)
        {
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return new QueueDelivery(QueueName, message.MessageId, message.DequeueCount, QueueDeliveryOutcome.Deleted, null);
        }

        var error = response.Result.Exception?.Message ?? response.Result.Result;
        if (message.DequeueCount >= _settings.MaxDequeueCount)
        {
            await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await _poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return new QueueDelivery(QueueName, message.MessageId, message.DequeueCount, QueueDeliveryOutcome.Poisoned, error);
        }

        await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _retryDelay, cancellationToken: cancellationToken);
        return new QueueDelivery(QueueName, message.MessageId, message.DequeueCount, QueueDeliveryOutcome.Released, error);
    }
}
