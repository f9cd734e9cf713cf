from django.db import models


class WelfareMilestones(models.Model):
    """The first welfare visit of a case, for the statistics extract."""

    case = models.OneToOneField(
        "cases.ReturnCase", on_delete=models.CASCADE, primary_key=True,
        related_name="welfare_milestones",
    )
    welfare_visited_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"welfare milestones of {self.pk}"
