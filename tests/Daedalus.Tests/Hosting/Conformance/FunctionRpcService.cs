using Daedalus.Tests.Hosting.Conformance.Rpc;
using Grpc.Core;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// The host's gRPC service <c>FunctionRpc</c>: the worker opens <c>EventStream</c>, says StartStream, then the host
/// drives it with requests while the worker streams answers and logs back. One worker per stand-in host.
/// </summary>
public sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var writer = Task.Run(
            async () =>
            {
                await foreach (var message in channel.Outgoing.ReadAllAsync(stop.Token))
                {
                    await responseStream.WriteAsync(message, stop.Token);
                }
            },
            stop.Token);
        Exception? error = null;
        try
        {
            await foreach (var message in requestStream.ReadAllAsync(stop.Token))
            {
                channel.Receive(message);
            }
        }
        catch (Exception ex) when (ex is IOException or Grpc.Core.RpcException or OperationCanceledException)
        {
            error = ex;
        }
        finally
        {
            channel.Close(error);
            await stop.CancelAsync();
            try
            {
                await writer;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
