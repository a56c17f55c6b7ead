using Todo.Api.Todos;

namespace Todo.Tests.Api;

/// <summary>
/// Fingerprints are stored with their todos and compared with every retry, so each stays what it was when it was
/// stored. These are the values the first formula gave; a change to the formula, or to how a status enters it, fails
/// here instead of turning the retries of todos created before the change into 422s.
/// </summary>
public sealed class IdempotencyFingerprintTests
{
    [Theory]
    [InlineData("pending", "f1472286ca9bbf8583503662e16ba737ddcec702dff31db1a3991459a03dd1e5")]
    [InlineData("in_progress", "cd5a99f0c2ac0d0eb3c6c2aa85a2642d15a5e099ae94a9b4bc9c7415fb08f10d")]
    [InlineData("done", "7e137b3239f86444a3a32581134732e0381006a24d3fcb371856fffd1457d1cd")]
    public void A_fingerprint_stays_what_it_was_when_stored(string status, string stored)
    {
        var todo = new ValidTodo("Buy milk", "Two litres", new DateTime(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc),
            TodoStatusNames.Parse(status), "ada@example.com");

        Assert.Equal(stored, IdempotencyKeys.Fingerprint(todo));
    }
}
