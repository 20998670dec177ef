"""布局规划: what-if scenarios on the school network, and optimal networks (spopt)."""

import streamlit as st
from streamlit_folium import st_folium

from lib import config, layout, loaders, maps, planning, schema, ui

CHANGES = "plan_changes"  # the scenario being edited (kept in the session: a failed save loses nothing)
POINT = "plan_point"

scope = ui.current_scope()
data = loaders.load_layout_data(scope)
towns = dict(zip(data.townships.code, data.townships.name, strict=True))
names = dict(zip(data.schools.code, data.schools.name, strict=True))
ui.page_header(ui.tr("nav_planning"), scope, towns=towns)
st.session_state.setdefault(CHANGES, [])

saved = loaders.load_scenarios()
c1, c2, c3 = st.columns([1.2, 1, 1])
band = c1.radio(ui.tr("lay_band"), list(layout.BAND_LABELS), format_func=layout.BAND_LABELS.get,
                horizontal=True, key="plan_band")
km = c2.number_input(ui.tr("lay_km"), min_value=0.5, max_value=30.0, step=0.5, key=f"plan_km_{band}",
                     value=float(config.SETTINGS["layout"]["reach_km"][band]))
years = list(range(data.base_year, data.base_year + config.SETTINGS["layout"]["projection_years"] + 1))
year = c3.selectbox(ui.tr("lay_year"), years, key="plan_year", format_func=lambda y: f"{y}年")

with st.expander("方案：打开、保存、复制、改名、删除", expanded=False):
    o1, o2 = st.columns(2)
    pick = o1.selectbox("已保存的方案", ["(新方案)", *saved.name], key="plan_pick")
    if o1.button("打开", key="plan_open") and pick != "(新方案)":
        row = saved[saved.name == pick].iloc[0]
        st.session_state[CHANGES] = list(row.changes)
        st.session_state["plan_name"] = pick
        st.session_state["plan_version"] = int(row.version)
    name = o2.text_input("方案名称", key="plan_name")
    b1, b2, b3, b4 = o2.columns(4)
    try:
        if b1.button("保存", key="plan_save"):
            version = st.session_state.get("plan_version") if name in set(saved.name) else None
            st.session_state["plan_version"] = planning.save_scenario(scope, name, st.session_state[CHANGES],
                                                                      version=version)
            st.success(f"已保存“{name}”")
        if b2.button("复制", key="plan_dup") and pick != "(新方案)":
            planning.duplicate_scenario(scope, pick, f"{pick}(副本)")
            st.rerun()
        if b3.button("改名", key="plan_rename") and pick != "(新方案)" and name:
            planning.rename_scenario(scope, pick, name)
            st.rerun()
        if b4.button("删除", key="plan_delete") and pick != "(新方案)":
            planning.delete_scenario(scope, pick)
            st.rerun()
    except (planning.ScenarioError, planning.ScenarioConflict) as exc:
        st.error(str(exc))

band_codes = list(layout.band_supply(data.schools, band).code)
left, right = st.columns([2, 1], gap="medium")
with right:
    st.subheader("调整")
    kind = st.radio("操作", ["撤并学校", "并入另一所学校", "新建学校(点击地图选址)", "调整学位/床位"], key="plan_kind")
    if kind == "撤并学校":
        code = st.selectbox("学校", band_codes, format_func=names.get, key="plan_close")
        if st.button("加入方案", key="plan_add_close"):
            st.session_state[CHANGES].append({"op": "close", "code": code})
    elif kind == "并入另一所学校":
        a = st.selectbox("撤并的学校", band_codes, format_func=names.get, key="plan_merge_a")
        b = st.selectbox("并入", band_codes, format_func=names.get, key="plan_merge_b")
        if st.button("加入方案", key="plan_add_merge") and a != b:
            st.session_state[CHANGES].append({"op": "merge", "code": a, "into": b})
    elif kind == "调整学位/床位":
        code = st.selectbox("学校", band_codes, format_func=names.get, key="plan_cap_code")
        cap = st.number_input("核定学位", min_value=0, step=50, key="plan_cap")
        beds = st.number_input("寄宿床位", min_value=0, step=10, key="plan_beds")
        if st.button("加入方案", key="plan_add_cap"):
            st.session_state[CHANGES].append({"op": "capacity", "code": code, "capacity": cap, "boarding_beds": beds})
    else:
        point = st.session_state.get(POINT)
        st.caption("在地图上点击新校址。" if not point else f"已选位置：{point[0]:.4f}, {point[1]:.4f}")
        level = st.selectbox("办学类型", [lv for lv in schema.BAND_LEVELS[band] if lv in schema.LEVELS],
                             key="plan_new_level")
        cap = st.number_input("核定学位", min_value=0, value=600, step=50, key="plan_new_cap")
        beds = st.number_input("寄宿床位", min_value=0, value=0, step=10, key="plan_new_beds")
        if st.button("加入方案", key="plan_add_new", disabled=point is None):
            n = sum(1 for c in st.session_state[CHANGES] if c["op"] == "add") + 1
            st.session_state[CHANGES].append({"op": "add", "code": f"NEW{n:03d}", "name": f"规划新校{n}",
                                              "level": level, "lon": point[0], "lat": point[1],
                                              "capacity": cap, "boarding_beds": beds})
            st.session_state.pop(POINT, None)
    for i, change in enumerate(st.session_state[CHANGES]):
        r1, r2 = st.columns([5, 1])
        r1.caption(f"{i + 1}. {planning.describe_change(change, names)}")
        if r2.button("✕", key=f"plan_rm_{i}"):
            st.session_state[CHANGES].pop(i)
            st.rerun()

changes = st.session_state[CHANGES]
try:
    before = loaders.load_plan_effect(scope, [], band=band, km=km, year=year)
    after = loaders.load_plan_effect(scope, changes, band=band, km=km, year=year)
except planning.ScenarioError as exc:
    st.error(str(exc))
    st.stop()
with left:
    show_after = st.toggle("地图显示方案(关闭则显示现状)", value=True, key="plan_show_after")
    shapes = loaders.load_township_geojson(scope)
    effect = after if show_after else before
    m = maps.build_layout_map(shapes["townships"], county=shapes.get("county"),
                              **planning.map_inputs(effect, band=band, km=km))
    out = st_folium(m, key=f"plan_map_{band}_{km}_{show_after}_{len(changes)}", height=520,
                    use_container_width=True, returned_objects=["last_clicked"])
point = planning.click_point((out or {}).get("last_clicked"))
if point and point != st.session_state.get(POINT) and kind.startswith("新建"):
    st.session_state[POINT] = point
    st.rerun()

st.subheader(f"方案效果 · {layout.BAND_LABELS[band]} · {year}年")
ui.metric_cards(planning.cards(before, after))
st.dataframe(planning.compare(before, after), hide_index=True, width="stretch", height=36 * 14 + 4)

with st.expander("选址优化 (p-median / MCLP / LSCP)"):
    q1, q2, q3, q4 = st.columns(4)
    model = q1.selectbox("模型", list(planning.MODELS), key="plan_model")
    k = q2.number_input("学校数 k", min_value=1, value=len(band_codes), key="plan_k")
    limit = q3.number_input("时限(秒)", min_value=5, max_value=600, value=60, key="plan_limit")
    capacitated = q4.checkbox("考虑学位(p-median)", key="plan_capacitated")
    if st.button("求解", key="plan_solve"):
        with st.spinner(f"正在求解 {model}(最长 {limit} 秒)…"):
            sol = planning.optimize(data, model=model, band=band, k=int(k), km=km, capacitated=capacitated,
                                    time_limit_s=float(limit), year=year)
        st.session_state["plan_solution"] = planning.solution_changes(data, sol, band=band)
        st.info(f"状态：{sol.status} · 目标值 {sol.objective} · 现状 {sol.current_objective} · "
                f"{len(sol.sites)} 个点 · {sol.seconds} 秒" + ("" if sol.optimal else f" · 差距 {sol.gap}"))
    if st.session_state.get("plan_solution") and st.button("把结果作为当前方案", key="plan_use_solution"):
        st.session_state[CHANGES] = list(st.session_state["plan_solution"])
        st.rerun()
