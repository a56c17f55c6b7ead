using System.Diagnostics.CodeAnalysis;

namespace Todo.Api.Todos;

/// <summary>Checks the body of a create or a replace with <see cref="TodoFields"/>; every error is keyed by the JSON field name.</summary>
public static class TodoValidator
{
    public static bool TryValidate(TodoRequest request, [NotNullWhen(true)] out ValidTodo? todo, out Dictionary<string, string[]> errors)
    {
        var title = Required(request.Title, TodoFields.CheckTitle);
        var description = request.Description is null ? Checked<string>.Valid("") : TodoFields.CheckDescription(request.Description);
        var dueDate = Required(request.DueDate, TodoFields.CheckDueDate);
        var status = request.Status is null ? Checked<TodoStatus>.Valid(TodoStatus.Pending) : TodoFields.CheckStatus(request.Status);
        var userEmail = Required(request.UserEmail, TodoFields.CheckUserEmail);

        errors = new[]
            {
                (TodoFields.Title, title.Error), (TodoFields.Description, description.Error), (TodoFields.DueDate, dueDate.Error),
                (TodoFields.Status, status.Error), (TodoFields.UserEmail, userEmail.Error),
            }
            .Where(field => field.Error is not null)
            .ToDictionary(field => field.Item1, field => new[] { field.Error! });
        todo = errors.Count == 0 ? new ValidTodo(title.Value, description.Value, dueDate.Value, status.Value, userEmail.Value) : null;
        return todo is not null;
    }

    private static Checked<T> Required<T>(string? value, Func<string, Checked<T>> check) =>
        value is null ? Checked<T>.Invalid(TodoFields.IsRequired) : check(value);
}
