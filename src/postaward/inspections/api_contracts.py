from ninja import Router

router = Router(tags=["双随机检查"])
