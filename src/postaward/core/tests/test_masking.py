"""Masking personal data in what the public site shows (R-CAS-05): a
person's name, ID numbers and phone numbers; an organisation's name stays."""

from __future__ import annotations

from postaward.core import masking


def test_r_cas_05_person_names_are_masked():
    assert masking.mask_name("张三") == "张*"
    assert masking.mask_name("张小三") == "张*三"
    assert masking.mask_name("欧阳小明") == "欧**明"
    assert masking.mask_name("王") == "王"


def test_r_cas_05_id_and_phone_numbers_are_masked():
    text = "身份证号码33060219800101123X，手机13812345678，座机0575-88001234，罚款20000元。"
    out = masking.mask_text(text)
    assert "3306**********123X" in out
    assert "138****5678" in out
    assert "0575-******34" in out
    assert "13812345678" not in out and "88001234" not in out
    assert "罚款20000元" in out  # amounts and dates stay


def test_r_cas_05_named_and_labelled_persons_masked_organisations_not():
    text = "当事人：李四，法定代表人：王大明。张小三冒用甲建设有限公司名义承揽工程。"
    out = masking.mask_text(text, names=["张小三"])
    assert "当事人：李*" in out and "法定代表人：王*明" in out
    assert "张*三冒用甲建设有限公司名义" in out
    assert masking.public_party_name("甲建设有限公司") == "甲建设有限公司"
    assert masking.public_party_name("测试区住建局") == "测试区住建局"
    assert masking.public_party_name("张小三") == "张*三"
    assert not masking.looks_like_person("某某建设有限公司")
