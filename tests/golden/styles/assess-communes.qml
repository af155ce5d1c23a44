<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology|Labeling">
 <renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">
  <rules key="root">
   <rule key="r0" filter="&quot;criteria_met&quot; &lt; 4" label="0–4" symbol="0"/>
   <rule key="r1" filter="&quot;criteria_met&quot; &gt;= 4 AND &quot;criteria_met&quot; &lt; 8" label="4–8" symbol="1"/>
   <rule key="r2" filter="&quot;criteria_met&quot; &gt;= 8 AND &quot;criteria_met&quot; &lt; 12" label="8–12" symbol="2"/>
   <rule key="r3" filter="&quot;criteria_met&quot; &gt;= 12 AND &quot;criteria_met&quot; &lt; 16" label="12–16" symbol="3"/>
   <rule key="r4" filter="&quot;criteria_met&quot; &gt;= 16" label="16–20" symbol="4"/>
   <rule key="r5" filter="&quot;criteria_met&quot; IS NULL" label="not assessed (township)" symbol="5"/>
  </rules>
  <symbols>
   <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="255,255,217,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="1" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="199,233,180,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="65,182,196,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="3" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="34,94,168,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="4" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="8,29,88,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="5" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="217,217,217,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="b_diagonal"/></layer></symbol>
  </symbols>
 </renderer-v2>
 <labeling type="simple"><settings calloutType="simple"><text-style fieldName="name" fontSize="8" textColor="20,20,20,255" fontFamily="DejaVu Sans"/><text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/><placement placement="1"/></settings></labeling>
</qgis>
