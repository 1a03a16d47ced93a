namespace Daedalus.Tests.Infrastructure;

public sealed class SharedAzuriteQueuesTests
{
    private const string Shared = "UseDevelopmentStorage=true";

    [Theory]
    [InlineData("Daedalus:Queue:Name", "Daedalus:Queue:PullName")]
    [InlineData("Daedalus__Queue__Name", "Daedalus__Queue__PullName")]
    public void Storage_with_both_queues_named_passes_in_either_spelling(string name, string pullName) =>
        SharedAzuriteQueues.Require(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Shared, [name] = "a", [pullName] = "a-pulls" }, Shared);

    [Fact]
    public void Storage_with_the_pull_queue_left_at_its_default_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SharedAzuriteQueues.Require(new Dictionary<string, string> { ["AzureWebJobsStorage"] = Shared, ["Daedalus__Queue__Name"] = "a" }, Shared));
        Assert.EndsWith("missing Daedalus:Queue:PullName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_without_storage_or_with_other_storage_need_no_queue_names()
    {
        SharedAzuriteQueues.Require(new Dictionary<string, string?> { ["Daedalus:Queue:Name"] = null }, Shared);
        SharedAzuriteQueues.Require(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "not a connection string" }, Shared);
    }
}
