"""Who may do what through the API: anyone reads, only staff write."""

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.views import APIView


class IsStaffOrReadOnly(BasePermission):
    """Reads are public; anything that writes or deletes needs an active staff user."""

    def has_permission(self, request: Request, view: "APIView") -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_active and request.user.is_staff)
