from __future__ import annotations

from django import forms

from postaward.core.forms import BootstrapMixin, DateField

from .choices import CHILD_KINDS, ROLES_BY_KIND, Industry, OrgKind, QualificationType, Role


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(max_length=128, strip=False)


class PasswordChangeForm(BootstrapMixin, forms.Form):
    old_password = forms.CharField(
        label="原密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少8位，包含小写字母、大写字母、数字、符号中的至少3类",
    )
    new_password2 = forms.CharField(
        label="确认新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class OrganisationForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="单位名称", max_length=200)
    short_name = forms.CharField(label="简称", max_length=60, required=False)
    kind = forms.ChoiceField(label="单位类型", choices=OrgKind.choices)
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        required=False,
        help_text="18位，按 GB 32100 校验；企业必填",
    )
    industry = forms.ChoiceField(
        label="行业",
        choices=[("", "—"), *Industry.choices],
        required=False,
        help_text="行业主管部门必填",
    )
    region_code = forms.CharField(label="行政区划代码", max_length=12, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(  # type: ignore[no-untyped-def]
        self,
        *args,
        parent_kind: str | None = None,
        editing: bool = False,
        industry_locked: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if industry_locked:
            # Set by the unit above (R-ORG-03): shown, not posted.
            self.fields["industry"].disabled = True
            self.fields["industry"].help_text = "由上级单位设定"
        if parent_kind is not None:
            allowed = CHILD_KINDS.get(parent_kind, frozenset())
            self.fields["kind"].choices = [(k, lbl) for k, lbl in OrgKind.choices if k in allowed]  # type: ignore[attr-defined]
        if editing:
            del self.fields["kind"]


class PersonForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号码",
        max_length=18,
        required=False,
        help_text="18位，按 GB 11643 校验出生日期和校验位",
    )
    mobile = forms.CharField(label="手机号码", max_length=20, required=False)
    title = forms.CharField(label="职务", max_length=60, required=False)
    is_party_member = forms.BooleanField(label="中共党员", required=False)
    is_public_official = forms.BooleanField(label="公职人员", required=False)


class QualificationForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="证书类型", choices=QualificationType.choices)
    number = forms.CharField(label="证书编号", max_length=60)
    specialty = forms.CharField(label="专业", max_length=60, required=False)
    issuer = forms.CharField(label="发证机关", max_length=100, required=False)
    issued_on = DateField(
        label="发证日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = DateField(
        label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def role_choices(kind: str) -> list[tuple[str, str]]:
    allowed = ROLES_BY_KIND.get(kind, frozenset())
    return [(r, lbl) for r, lbl in Role.choices if r in allowed]


class AccountForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label="登录账号", max_length=150, help_text="建议使用手机号或工号")
    person = forms.TypedChoiceField(label="对应人员", coerce=int, required=False, empty_value=None)
    roles = forms.MultipleChoiceField(label="角色", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, kind: str, people: list[tuple[int, str]], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(kind)  # type: ignore[attr-defined]
        self.fields["roles"].widget.attrs = {}
        self.fields["person"].choices = [("", "—（系统对接账号等）"), *people]  # type: ignore[attr-defined]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="角色", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, kind: str, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(kind)  # type: ignore[attr-defined]


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="如：张三的手机、招投标系统对接")
    days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=366, initial=90)
